-- Which remote inference backend ran a call, and which protocol it came by (GraphQL or OIP).
-- Added columns, not a rebuilt table: history can be large.
ALTER TABLE "InferenceRun" ADD COLUMN "backend" TEXT;
ALTER TABLE "InferenceRun" ADD COLUMN "protocol" TEXT NOT NULL DEFAULT 'GRAPHQL';
