"""Views of the awards app, one module per area.

- ``rounds``: award rounds, candidates with their checklists, nominations and the
  selection meeting (and the awards index);
- ``records``: the movement's records and the ratings of unions and members;
- ``dossier``: the award dossier, from its parts to the award decision;
- ``report``: the movement report and the awards behind its numbers.
"""
