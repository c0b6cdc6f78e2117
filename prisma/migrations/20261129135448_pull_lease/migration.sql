-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Pull" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "ref" TEXT NOT NULL,
    "registry" TEXT NOT NULL,
    "modelId" TEXT NOT NULL,
    "requestedRevision" TEXT,
    "resolvedRevision" TEXT,
    "status" TEXT NOT NULL,
    "patterns" JSONB NOT NULL,
    "force" BOOLEAN NOT NULL DEFAULT false,
    "bytesTotal" BIGINT NOT NULL DEFAULT 0,
    "bytesDone" BIGINT NOT NULL DEFAULT 0,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "errorCode" TEXT,
    "errorMessage" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "startedAt" DATETIME,
    "finishedAt" DATETIME,
    "owner" TEXT,
    "heartbeatAt" DATETIME,
    "cancelRequested" BOOLEAN NOT NULL DEFAULT false
);
INSERT INTO "new_Pull" ("attempts", "bytesDone", "bytesTotal", "createdAt", "errorCode", "errorMessage", "finishedAt", "force", "id", "modelId", "owner", "patterns", "ref", "registry", "requestedRevision", "resolvedRevision", "startedAt", "status") SELECT "attempts", "bytesDone", "bytesTotal", "createdAt", "errorCode", "errorMessage", "finishedAt", "force", "id", "modelId", "owner", "patterns", "ref", "registry", "requestedRevision", "resolvedRevision", "startedAt", "status" FROM "Pull";
DROP TABLE "Pull";
ALTER TABLE "new_Pull" RENAME TO "Pull";
CREATE INDEX "Pull_createdAt_idx" ON "Pull"("createdAt");
CREATE INDEX "Pull_registry_modelId_idx" ON "Pull"("registry", "modelId");
CREATE INDEX "Pull_status_idx" ON "Pull"("status");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

