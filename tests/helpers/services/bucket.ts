import { DeleteObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { TEST_BUCKET } from "./s3-server.js";

/** A plain S3 client on the test server, for a test to look into (or tamper with) the bucket. */
export class Bucket {
  private readonly client: S3Client;

  constructor(endpoint: string) {
    this.client = new S3Client({
      endpoint,
      region: "us-east-1",
      forcePathStyle: true,
      credentials: { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" },
      requestChecksumCalculation: "WHEN_REQUIRED",
      responseChecksumValidation: "WHEN_REQUIRED",
    });
  }

  /** Every key under a prefix, sorted, without the prefix. */
  async keys(prefix: string): Promise<string[]> {
    const page = await this.client.send(new ListObjectsV2Command({ Bucket: TEST_BUCKET, Prefix: prefix }));
    return (page.Contents ?? []).map((object) => (object.Key ?? "").slice(prefix.length)).sort();
  }

  async put(key: string, body: Buffer): Promise<void> {
    await this.client.send(new PutObjectCommand({ Bucket: TEST_BUCKET, Key: key, Body: body }));
  }

  async delete(key: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: TEST_BUCKET, Key: key }));
  }

  close(): void {
    this.client.destroy();
  }
}
