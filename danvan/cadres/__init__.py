"""Cadres of dân vận work: profiles, postings, training, discipline, generations, events.

What other apps (awards) may use:

- Models (`danvan.cadres.models`), names stable:
  `Cadre` (full_name, sex = `Sex.MALE`/`Sex.FEMALE`, birth_year, phone, email,
  record_unit, retired_on, died_on, `is_alive`, `is_retired(on)`);
  `Posting` (cadre, unit — the unit of its time, closed ones included —, position,
  is_danvan_post, is_manager, full_time, hardship_area, start, end — None while held;
  `Posting.objects.current(on)`, `.danvan()`, `.overlapping(start, end)`);
  `TrainingCourse` (name, organiser, organiser_unit, level = `TrainingLevel`, hours, start,
  end) and `Training` (cadre, course, result, certificate_number, certificate_date);
  `Discipline` (cadre, form = `DisciplineForm`, date, until — None while in effect —,
  `Discipline.objects.open_on(date)`); `Term` (Party congress terms); `Event`, `Invitee`.
- Reads (`danvan.cadres.queries`): `get_cadre_for_user(user, pk, perm=None)` (404 outside
  scope); `Cadre.objects.visible_to(user, perm=None)` (cadres posted in the user's subtree
  now, or, without a posting now, whose file the subtree keeps);
  `open_discipline(cadre, on=date)` → the open `Discipline` or None (an open one freezes
  award proposals); `open_disciplines(cadre_ids, on=date)` → {cadre id: Discipline} in one
  query; `cadres_with_postings(cadre_ids, danvan_only=False)` (postings prefetched).
- Sections (`danvan.cadres.events`): `register_event_section(provider)`, where
  `provider(event, user) -> EventSection | None` adds a section (e.g. "awards presented
  there") to the event's page and to its printed programme; `register_profile_section`
  likewise for a cadre's profile page (`provider(cadre, user)`, e.g. "awards received").
- Permissions (`danvan/cadres/rules.py`): `cadres.view`, `cadres.change`,
  `cadres.discipline`, `cadres.read_sensitive`.
"""
