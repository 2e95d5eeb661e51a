"""The lifecycles of the initiatives app, one module per thing that has states:
`request` (a recognition request), `council_item` (a request before one council)
and `session` (a council's meeting). Each names its states and sets of states once,
holds the map of allowed moves, and has the one function that moves a row: it locks
it, checks the move, saves, writes the request's history and queues the mail."""
