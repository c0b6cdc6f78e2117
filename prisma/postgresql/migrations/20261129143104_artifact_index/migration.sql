-- AlterTable
ALTER TABLE "PullFile" ADD COLUMN     "sources" JSONB NOT NULL DEFAULT '[]';

-- CreateIndex
CREATE INDEX "ModelFileRecord_sha256_idx" ON "ModelFileRecord"("sha256");

-- CreateIndex
CREATE INDEX "PullFile_sha256_idx" ON "PullFile"("sha256");

