-- AlterTable
ALTER TABLE "Pull" ADD COLUMN     "cancelRequested" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "heartbeatAt" TIMESTAMP(3);

