"""Import units and people from spreadsheets (.xlsx) and CSV files.

An upload is read, checked row by row and stored as an ``ImportBatch`` with every
problem found (row number and reason). Only a batch without problems can be
applied, and applying checks everything again and writes all rows in one
transaction, or none.

- ``columns``: the columns of each kind of file and the words staff write in them;
- ``reading``: reading a visible sheet of an .xlsx file, or a CSV file, into a
  table, finding its header (under a title block) and matching it;
- ``unit_rows`` and ``people_rows``: checking the rows of each kind of file;
- ``batches``: checking an upload into a batch (or a kept workbook again, reading
  another sheet), applying it, showing its rows;
- ``template``: the empty templates to download;
- ``_common``: helpers shared by the reading, the checking and the applying.
"""
