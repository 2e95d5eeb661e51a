"""Forms of the initiatives app. Registrations, ideas and requests: `requests`;
councils and sessions: `councils`."""
