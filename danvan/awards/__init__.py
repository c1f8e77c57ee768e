"""Emulation and commendation: the award catalogue, the authority table, the base salary,
nominations voted by the emulation council, decisions and the awards they make, revocation,
the eligibility engine (the medal “Vì sự nghiệp Dân vận”, titles with consecutive years),
certificates, import and export of earlier awards.

What other apps see of it: the registry's model page shows its commendations (a panel
registered in `hooks`), a cadres' generations event lists the awards presented there (an
event section registered in `hooks`).
"""
