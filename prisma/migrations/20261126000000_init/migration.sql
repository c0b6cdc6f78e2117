-- CreateTable
CREATE TABLE "ModelRecord" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "registry" TEXT NOT NULL,
    "modelId" TEXT NOT NULL,
    "revision" TEXT NOT NULL,
    "resolvedRevision" TEXT,
    "name" TEXT NOT NULL,
    "author" TEXT,
    "description" TEXT,
    "task" TEXT,
    "tags" JSONB NOT NULL,
    "format" TEXT NOT NULL,
    "license" TEXT,
    "downloads" INTEGER,
    "likes" INTEGER,
    "updatedAt" DATETIME,
    "sizeBytes" BIGINT,
    "inputs" JSONB,
    "outputs" JSONB,
    "opset" INTEGER,
    "details" JSONB NOT NULL,
    "fetchedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "ModelFileRecord" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "modelId" INTEGER NOT NULL,
    "path" TEXT NOT NULL,
    "sizeBytes" BIGINT,
    "sha256" TEXT,
    CONSTRAINT "ModelFileRecord_modelId_fkey" FOREIGN KEY ("modelId") REFERENCES "ModelRecord" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Pull" (
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
    "finishedAt" DATETIME
);

-- CreateTable
CREATE TABLE "PullFile" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "pullId" TEXT NOT NULL,
    "path" TEXT NOT NULL,
    "sizeBytes" BIGINT,
    "sha256" TEXT,
    "status" TEXT NOT NULL,
    "bytesDone" BIGINT NOT NULL DEFAULT 0,
    CONSTRAINT "PullFile_pullId_fkey" FOREIGN KEY ("pullId") REFERENCES "Pull" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "InferenceRun" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "ref" TEXT NOT NULL,
    "registry" TEXT NOT NULL,
    "modelId" TEXT NOT NULL,
    "revision" TEXT,
    "filePath" TEXT,
    "fileSha256" TEXT,
    "requestedProvider" TEXT NOT NULL,
    "provider" TEXT,
    "status" TEXT NOT NULL,
    "inputs" JSONB NOT NULL,
    "outputs" JSONB NOT NULL,
    "errorCode" TEXT,
    "errorMessage" TEXT,
    "queueMs" REAL,
    "loadMs" REAL,
    "runMs" REAL,
    "totalMs" REAL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "CachedDocument" (
    "url" TEXT NOT NULL PRIMARY KEY,
    "etag" TEXT,
    "lastModified" TEXT,
    "body" TEXT NOT NULL,
    "fetchedAt" DATETIME NOT NULL
);

-- CreateIndex
CREATE UNIQUE INDEX "ModelRecord_registry_modelId_revision_key" ON "ModelRecord"("registry", "modelId", "revision");

-- CreateIndex
CREATE UNIQUE INDEX "ModelFileRecord_modelId_path_key" ON "ModelFileRecord"("modelId", "path");

-- CreateIndex
CREATE INDEX "Pull_createdAt_idx" ON "Pull"("createdAt");

-- CreateIndex
CREATE INDEX "Pull_registry_modelId_idx" ON "Pull"("registry", "modelId");

-- CreateIndex
CREATE INDEX "Pull_status_idx" ON "Pull"("status");

-- CreateIndex
CREATE UNIQUE INDEX "PullFile_pullId_path_key" ON "PullFile"("pullId", "path");

-- CreateIndex
CREATE INDEX "InferenceRun_createdAt_idx" ON "InferenceRun"("createdAt");

-- CreateIndex
CREATE INDEX "InferenceRun_registry_modelId_idx" ON "InferenceRun"("registry", "modelId");

