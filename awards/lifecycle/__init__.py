"""The lifecycles of the awards app, one module per stateful thing: the award
round (`round`), its candidates (`candidate`) and the dossier sent up
(`dossier`).

Each module names the states' sets once, holds the map of allowed moves and
the one function that moves a row: it locks the row, checks the move, saves
(the audit log follows the models and records the change).
"""
