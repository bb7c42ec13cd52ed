import { afterEach, describe, expect, it } from "vitest";
import type { Relay } from "../src/server.ts";
import { indexOf, next, pairedSetup, payload, relay } from "./helpers.ts";

const relays: Relay[] = [];
afterEach(async () => {
  await Promise.all(relays.splice(0).map((r) => r.close()));
});

describe("relay: one active controller per session", () => {
  it("phone asks, host grants, input flows only from the controller, host takes it back", async () => {
    const r = await relay();
    relays.push(r);
    const { host, phone, room } = await pairedSetup(r.url);
    const hostInputs: number[] = [];
    host.on("frame", (f) => {
      if (f.cls === "input") hostInputs.push(indexOf(f.payload));
    });

    // the host controls at first: the phone's input is dropped with a reason
    const dropped = next(phone, "dropped");
    phone.send(room, "input", payload(1));
    expect(await dropped).toMatchObject({ room, code: "not_controller" });
    await phone.flushed();

    // phone asks; host refuses
    const asked = next(host, "control_requested");
    await phone.requestControl(room);
    expect((await asked).deviceId).toBe(phone.deviceId);
    const refused = next(phone, "control_refused");
    await host.refuseControl(room, phone.deviceId);
    await refused;

    // phone asks again; host grants: everyone is told
    await phone.requestControl(room);
    const phoneSees = next(phone, "controller", (c) => c.deviceId === phone.deviceId);
    const hostSees = next(host, "controller", (c) => c.deviceId === phone.deviceId);
    await host.grantControl(room, phone.deviceId);
    await Promise.all([phoneSees, hostSees]);
    phone.send(room, "input", payload(2));
    await phone.flushed();
    await new Promise((res) => setTimeout(res, 50));
    expect(hostInputs).toEqual([2]);

    // the host's own input is now refused until it takes control back
    const hostDropped = next(host, "dropped");
    host.send(room, "input", payload(3));
    expect((await hostDropped).code).toBe("not_controller");

    const back = next(phone, "controller", (c) => c.deviceId === host.deviceId);
    await host.revokeControl(room);
    await back;
    const phoneDropped = next(phone, "dropped");
    phone.send(room, "input", payload(4));
    expect((await phoneDropped).code).toBe("not_controller");
    expect(hostInputs).toEqual([2]);

    // only the host grants
    await expect(phone.grantControl(room, phone.deviceId)).rejects.toMatchObject({ code: "not_host" });
    host.close();
    phone.close();
  });

  it("a reconnecting phone learns the current controller on join", async () => {
    const r = await relay();
    relays.push(r);
    const { host, phone, room } = await pairedSetup(r.url);
    await host.grantControl(room, phone.deviceId);
    const again = next(phone, "controller", (c) => c.deviceId === phone.deviceId);
    phone.dropConnection();
    await again;
    host.close();
    phone.close();
  });
});
