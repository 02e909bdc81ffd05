"""Cases: the ABCE-AR1 case lifecycle across scans, review decisions and evidence capture."""
