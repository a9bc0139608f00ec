"""``citelint server``: the Language Server Protocol server for editors.

``command`` is the click command (it imports pygls only when run); ``positions``
maps citelint's lines and character columns to the editor's (UTF-16 by default,
UTF-8 or UTF-32 when the client asks); ``views`` answers the editor's questions
about one chapter's text (findings, markers, entries, renames) with citelint's
own values; ``project`` finds and reloads each chapter's configuration; ``lsp``
wires it all to pygls and lsprotocol. Only ``lsp`` and ``command`` know pygls.
"""
