/** hello / welcome: the first control frames on a channel, negotiating the protocol version. */
import type { ControlFrameOf } from "./frames.ts";
import { negotiateVersion, PROTOCOL_VERSIONS } from "./version.ts";

export interface HelloOptions {
  readonly role: "wrapper" | "phone";
  readonly deviceId: string;
  readonly versions?: readonly number[];
  readonly capabilities?: readonly string[];
}

export function createHello(options: HelloOptions): ControlFrameOf<"hello"> {
  return {
    type: "hello",
    versions: [...(options.versions ?? PROTOCOL_VERSIONS)],
    role: options.role,
    deviceId: options.deviceId,
    ...(options.capabilities ? { capabilities: [...options.capabilities] } : {}),
  };
}

/** Answers a peer's hello with the highest common version; PROTO_ERR_VERSION_UNSUPPORTED when none. */
export function answerHello(hello: ControlFrameOf<"hello">, options: HelloOptions): ControlFrameOf<"welcome"> {
  const version = negotiateVersion(options.versions ?? PROTOCOL_VERSIONS, hello.versions);
  return {
    type: "welcome",
    version,
    role: options.role,
    deviceId: options.deviceId,
    ...(options.capabilities ? { capabilities: [...options.capabilities] } : {}),
  };
}
