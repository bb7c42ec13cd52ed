import type { RelayConfig } from "../config.ts";
import { MemoryStore } from "./memory.ts";
import { SqliteStore } from "./sqlite.ts";
import type { RelayStore } from "./types.ts";

export async function openStore(c: RelayConfig): Promise<RelayStore> {
  switch (c.store) {
    case "memory":
      return new MemoryStore();
    case "sqlite":
      return new SqliteStore(c.sqlitePath);
    case "redis": {
      const { RedisStore } = await import("./redis.ts");
      // a presence entry not refreshed for three ping rounds belongs to an instance that died
      return RedisStore.connect(c.redisUrl, c.redisPrefix, { presenceStaleMs: c.pingIntervalMs * 3 });
    }
  }
}
