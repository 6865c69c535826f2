"""XMP sidecars: the marks every editor reads (docs/xmp.md).

`document` parses and updates a packet keeping what is not ours, `files` names, reads and
atomically writes sidecars, `sync` applies the newer-one-wins rule against the database,
`queue` asks for the background `sidecar_sync` job.
"""
