import { MemoryStore } from "../src/store/memory.ts";
import { storeContract } from "./store-contract.ts";

storeContract("memory", async () => new MemoryStore());
