-- AlterTable
ALTER TABLE "Pull" ADD COLUMN     "owner" TEXT;

