// Command oracle reads Kubernetes manifest files the way `kubectl apply -f` does and prints, per
// file, one JSON line per document it would decode. It is the reference the TypeScript reader is
// compared against (see README.md); it is a developer tool, never needed by `npm test`.
//
// The stream handling follows k8s.io/apimachinery/pkg/util/yaml (YAMLOrJSONDecoder, YAMLReader,
// LineReader) as of Kubernetes 1.32, re-implemented here from its documented behaviour; documents
// are converted with sigs.k8s.io/yaml (go-yaml v2), as apimachinery does.
//
// Output, one line each, for every file argument:
//
//	{"file": "<path>", "documents": [<json>, ...], "error": "<message>"}
//
// `documents` holds what kubectl decodes before the first error; `error` is omitted when none.
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"unicode"

	"sigs.k8s.io/yaml"
)

// How far apimachinery peeks to decide between a JSON and a YAML stream (cli-runtime uses 4096).
const sniffBytes = 4096

type result struct {
	File      string            `json:"file"`
	Documents []json.RawMessage `json:"documents"`
	Error     string            `json:"error,omitempty"`
}

func main() {
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	for _, file := range os.Args[1:] {
		data, err := os.ReadFile(file)
		r := result{File: file, Documents: []json.RawMessage{}}
		if err != nil {
			r.Error = err.Error()
		} else {
			r.Documents, err = read(data)
			if err != nil {
				r.Error = err.Error()
			}
		}
		line, _ := json.Marshal(r)
		out.Write(line)
		out.WriteByte('\n')
	}
}

func read(data []byte) ([]json.RawMessage, error) {
	peek := data
	if len(peek) > sniffBytes {
		peek = peek[:sniffBytes]
	}
	if bytes.HasPrefix(bytes.TrimLeftFunc(peek, unicode.IsSpace), []byte("{")) {
		return readJSONStream(data)
	}
	return readYAMLStream(data)
}

// A JSON stream: values one after another, as encoding/json's Decoder reads them.
func readJSONStream(data []byte) ([]json.RawMessage, error) {
	decoder := json.NewDecoder(bytes.NewReader(data))
	documents := []json.RawMessage{}
	for {
		var raw json.RawMessage
		if err := decoder.Decode(&raw); err != nil {
			if err == io.EOF {
				return documents, nil
			}
			return documents, err
		}
		if doc, ok := keep(raw); ok {
			documents = append(documents, doc)
		}
	}
}

// A YAML stream: split into chunks at separator lines, each chunk converted on its own.
func readYAMLStream(data []byte) ([]json.RawMessage, error) {
	documents := []json.RawMessage{}
	chunks, splitErr := splitChunks(data)
	for _, chunk := range chunks {
		converted, err := yaml.YAMLToJSON(chunk)
		if err != nil {
			return documents, err
		}
		if doc, ok := keep(converted); ok {
			documents = append(documents, doc)
		}
	}
	return documents, splitErr
}

// splitChunks cuts the stream into lines ending in "\n" ("\r\n" counts as one break and the last
// line gets a "\n" of its own, like bufio.Reader.ReadLine), and ends a chunk at every line whose
// first three bytes are "---". Only blanks or a comment may follow the dashes; anything else is an
// error that stops the file. A separator line that would start an empty chunk belongs to it.
func splitChunks(data []byte) ([][]byte, error) {
	var chunks [][]byte
	var current bytes.Buffer
	rest := data
	for len(rest) > 0 {
		var line []byte
		if at := bytes.IndexByte(rest, '\n'); at >= 0 {
			line, rest = rest[:at], rest[at+1:]
			line = bytes.TrimSuffix(line, []byte("\r"))
		} else {
			line, rest = rest, nil
		}
		if bytes.HasPrefix(line, []byte("---")) {
			after := strings.TrimSpace(string(line[3:]))
			if after != "" && after[0] != '#' {
				return chunks, fmt.Errorf("invalid Yaml document separator: %s", after)
			}
			if current.Len() > 0 {
				chunks = append(chunks, append([]byte(nil), current.Bytes()...))
				current.Reset()
				continue
			}
		}
		current.Write(line)
		current.WriteByte('\n')
	}
	if current.Len() > 0 {
		chunks = append(chunks, current.Bytes())
	}
	return chunks, nil
}

// keep drops what kubectl skips (empty and null documents) and normalises the JSON.
func keep(raw []byte) (json.RawMessage, bool) {
	trimmed := bytes.TrimSpace(raw)
	if len(trimmed) == 0 || bytes.Equal(trimmed, []byte("null")) {
		return nil, false
	}
	var compact bytes.Buffer
	if err := json.Compact(&compact, trimmed); err != nil {
		return json.RawMessage(trimmed), true
	}
	return json.RawMessage(compact.Bytes()), true
}
