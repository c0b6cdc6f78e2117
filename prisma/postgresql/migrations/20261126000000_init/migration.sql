-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateTable
CREATE TABLE "ModelRecord" (
    "id" SERIAL NOT NULL,
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
    "updatedAt" TIMESTAMP(3),
    "sizeBytes" BIGINT,
    "inputs" JSONB,
    "outputs" JSONB,
    "opset" INTEGER,
    "details" JSONB NOT NULL,
    "fetchedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ModelRecord_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ModelFileRecord" (
    "id" SERIAL NOT NULL,
    "modelId" INTEGER NOT NULL,
    "path" TEXT NOT NULL,
    "sizeBytes" BIGINT,
    "sha256" TEXT,

    CONSTRAINT "ModelFileRecord_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Pull" (
    "id" TEXT NOT NULL,
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
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "startedAt" TIMESTAMP(3),
    "finishedAt" TIMESTAMP(3),

    CONSTRAINT "Pull_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PullFile" (
    "id" SERIAL NOT NULL,
    "pullId" TEXT NOT NULL,
    "path" TEXT NOT NULL,
    "sizeBytes" BIGINT,
    "sha256" TEXT,
    "status" TEXT NOT NULL,
    "bytesDone" BIGINT NOT NULL DEFAULT 0,

    CONSTRAINT "PullFile_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "InferenceRun" (
    "id" TEXT NOT NULL,
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
    "queueMs" DOUBLE PRECISION,
    "loadMs" DOUBLE PRECISION,
    "runMs" DOUBLE PRECISION,
    "totalMs" DOUBLE PRECISION,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "InferenceRun_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CachedDocument" (
    "url" TEXT NOT NULL,
    "etag" TEXT,
    "lastModified" TEXT,
    "body" TEXT NOT NULL,
    "fetchedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "CachedDocument_pkey" PRIMARY KEY ("url")
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

-- AddForeignKey
ALTER TABLE "ModelFileRecord" ADD CONSTRAINT "ModelFileRecord_modelId_fkey" FOREIGN KEY ("modelId") REFERENCES "ModelRecord"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PullFile" ADD CONSTRAINT "PullFile_pullId_fkey" FOREIGN KEY ("pullId") REFERENCES "Pull"("id") ON DELETE CASCADE ON UPDATE CASCADE;

