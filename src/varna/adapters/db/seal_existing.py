"""Rows of ``people`` written before field encryption: sealed under a new data key each and
given their blind indexes (``varna db upgrade`` runs this after the migrations; it finds
nothing to do on a database written with encryption on)."""

from __future__ import annotations

from sqlalchemy import Engine, String, or_, select, type_coerce, update

from varna.adapters.db.person_key import IDENTIFIERS, INDEXED, seal_update
from varna.adapters.db.tables import people
from varna.adapters.fieldcrypt import PREFIX, crypto_of
from varna.domain.subjects.steps import ERASED_MARKER

BATCH = 500


def seal_existing(engine: Engine) -> int:
    """Seal the clear rows, a batch a transaction; returns how many rows were sealed."""
    crypto = crypto_of(engine)
    if crypto is None:
        return 0
    raw = [type_coerce(people.c[c], String).label(c) for c in IDENTIFIERS]
    texts = [type_coerce(people.c[c], String) for c in IDENTIFIERS]
    clear = (
        [t.is_not(None) & ~t.startswith(PREFIX) & (t != ERASED_MARKER) for t in texts]
        if crypto.enabled
        else []
    )
    unindexed = [people.c[c].is_not(None) & people.c[f"{c}_bidx"].is_(None) for c in INDEXED]
    done = 0
    last = 0
    while True:
        with engine.begin() as conn:
            rows = conn.execute(
                select(people.c.id, *raw)
                .where(people.c.id > last, or_(*clear, *unindexed))
                .order_by(people.c.id)
                .limit(BATCH)
            ).all()
            for row in rows:
                values = {
                    c: getattr(row, c)
                    for c in IDENTIFIERS
                    if getattr(row, c) is not None and not str(getattr(row, c)).startswith(PREFIX)
                }
                if values:
                    conn.execute(
                        update(people)
                        .where(people.c.id == row.id)
                        .values(seal_update(conn, row.id, values))
                    )
                last = row.id
        done += len(rows)
        if len(rows) < BATCH:
            return done
