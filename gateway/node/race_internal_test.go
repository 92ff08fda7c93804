//go:build race

package node

// raceDetector: the race detector is on, and allocation counts include its
// own (TestHandleAllocations runs without it, in go test ./...).
const raceDetector = true
