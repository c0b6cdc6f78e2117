-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_PullFile" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "pullId" TEXT NOT NULL,
    "path" TEXT NOT NULL,
    "sizeBytes" BIGINT,
    "sha256" TEXT,
    "status" TEXT NOT NULL,
    "bytesDone" BIGINT NOT NULL DEFAULT 0,
    "sources" JSONB NOT NULL DEFAULT [],
    CONSTRAINT "PullFile_pullId_fkey" FOREIGN KEY ("pullId") REFERENCES "Pull" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_PullFile" ("bytesDone", "id", "path", "pullId", "sha256", "sizeBytes", "status") SELECT "bytesDone", "id", "path", "pullId", "sha256", "sizeBytes", "status" FROM "PullFile";
DROP TABLE "PullFile";
ALTER TABLE "new_PullFile" RENAME TO "PullFile";
CREATE INDEX "PullFile_sha256_idx" ON "PullFile"("sha256");
CREATE UNIQUE INDEX "PullFile_pullId_path_key" ON "PullFile"("pullId", "path");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE INDEX "ModelFileRecord_sha256_idx" ON "ModelFileRecord"("sha256");

