"""The DuckDB warehouse: schema and migrations, one-transaction loads with their ledger
row, quarantine, watermarks, mart writes and read-only snapshots. Imports only
`contracts`.

Entry points: `warehouse.connection.open_writer`, `warehouse.loader.EndpointLoad`,
`warehouse.marts_io.replace_rows`, `warehouse.publish.publish_snapshot`.
"""
