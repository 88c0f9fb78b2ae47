"""The ledger in the database (TRUNCATE, which test flushes use, is left to the owner): movements are append-only, and each one moves its allocation's
balance row in the same transaction, where the allocation's CHECK constraints hold the money
rules (committed ≤ allocated, claimed ≤ committed, paid ≤ claimed) under any concurrency."""

from django.db import migrations

APPLY = """
CREATE FUNCTION fund_movement_apply() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE funds_fundallocation SET
        allocated = allocated + CASE WHEN NEW.kind = 'allocated' THEN NEW.amount ELSE 0 END,
        committed = committed + CASE NEW.kind WHEN 'committed' THEN NEW.amount
                                              WHEN 'released' THEN -NEW.amount ELSE 0 END,
        claimed = claimed + CASE WHEN NEW.kind = 'claimed' THEN NEW.amount ELSE 0 END,
        paid = paid + CASE WHEN NEW.kind = 'paid' THEN NEW.amount ELSE 0 END
    WHERE id = NEW.allocation_id;
    RETURN NEW;
END $$;
CREATE TRIGGER fund_movement_apply AFTER INSERT ON funds_movement
    FOR EACH ROW EXECUTE FUNCTION fund_movement_apply();

CREATE FUNCTION fund_movement_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'The funds ledger is append-only: % refused', TG_OP
        USING ERRCODE = 'restrict_violation';
END $$;
CREATE TRIGGER fund_movement_append_only BEFORE UPDATE OR DELETE ON funds_movement
    FOR EACH ROW EXECUTE FUNCTION fund_movement_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS fund_movement_append_only ON funds_movement;
DROP FUNCTION IF EXISTS fund_movement_append_only();
DROP TRIGGER IF EXISTS fund_movement_apply ON funds_movement;
DROP FUNCTION IF EXISTS fund_movement_apply();
"""


class Migration(migrations.Migration):
    dependencies = [("funds", "0001_funds")]

    operations = [migrations.RunSQL(APPLY, DROP)]
