"""Use cases of data-subject rights: find, extract, portability, rectify, restrict, object,
erase (D1-D5, D8, R4, A3). One module per capability; ports.py holds their Protocols."""
