"""Cases: the ABCE-AR1 case lifecycle across scans, review decisions and evidence capture.

``records`` (status groups, numbers, history events), ``lifecycle`` (opening, updating
and re-opening cases from a scan), ``followup`` (cases a scan did not confirm),
``decisions`` (PR's review decisions), ``views`` (evidence list, JSON, ordering),
``evidence`` (screenshots and page hashes) and ``checking`` (``scout check``).
"""
