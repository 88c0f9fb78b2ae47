# Routes this app adds to /api/v1/: (prefix, view set, basename).
routes: list = []
