//go:build race

package ratelimit

// raceDetector: the race detector is on, and allocation counts include its
// own (TestRedisFloorAddsNoAllocations runs without it, in go test ./...).
const raceDetector = true
