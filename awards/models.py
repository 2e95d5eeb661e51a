"""Movement records, award rounds, nominations and award dossiers."""
