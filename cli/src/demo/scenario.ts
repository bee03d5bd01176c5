import type { DemoHost } from './stand-ins.js';

export interface ScenarioStep {
  /** Seconds after the start of each cycle. */
  at: number;
  what: string;
  run: () => void | Promise<void>;
}

export interface ScenarioActors {
  host: (recorderId: string) => DemoHost;
  /** Kill the crash-prone recorder's agent process (SIGKILL), as a power cut would. */
  crash: () => void;
  restart: () => void;
  /** Cut (false) or restore (true) the internet uplink of the demo's uplink site (both its recorders). */
  uplink: (up: boolean) => void;
}

/** The first few minutes of the demo: every kind of trouble Vigil watches for, then recovery. */
export function demoSteps({ host, crash, restart, uplink }: ScenarioActors): ScenarioStep[] {
  let filling: NodeJS.Timeout | undefined;
  return [
    {
      at: 15,
      what: "camera 'Gate 3' on hl-aar-01 stops answering",
      run: () => host('hl-aar-01').log('ERROR', "Camera 'Gate 3' (10.0.0.13): Unable to connect to camera"),
    },
    {
      at: 25,
      what: 'media database write failures on ks-kie-01',
      run: () => {
        for (let i = 0; i < 3; i++) host('ks-kie-01').log('ERROR', "Unable to add data to the media database for device 'Playground'. Error: DiskFull");
      },
    },
    {
      at: 35,
      what: 'the media drive of cm-mal-02 starts filling',
      run: () => {
        const drive = host('cm-mal-02');
        drive.setDriveUsed(0.9);
        clearInterval(filling);
        filling = setInterval(() => {
          drive.setDriveUsed(drive.driveUsed + 0.004);
          if (drive.driveUsed >= 0.975) clearInterval(filling);
        }, 2_000);
        filling.unref();
      },
    },
    { at: 50, what: 'the Event Server service stops on nt-osl-01', run: () => host('nt-osl-01').setService('Event Server', false) },
    { at: 65, what: 'sc-ham-02 has more cameras than licences', run: () => host('sc-ham-02').setCameras(44) },
    { at: 80, what: 'sc-ham-03 loses power (its agent process is killed)', run: crash },
    {
      at: 95,
      what: 'archive errors on bc-bre-01',
      run: () => {
        const h = host('bc-bre-01');
        h.log('ERROR', "Archive file move error: 'F:\\Archives\\Cold Store 1\\2024-05-01_00-00-00'");
        h.log('FATAL', "Fatal error processing archive 'F:\\Archives\\Dock\\2024-05-01_00-00-00': Index file is corrupt");
      },
    },
    { at: 100, what: 'Oslo Central loses its internet uplink (both recorders go silent at once)', run: () => uplink(false) },
    { at: 110, what: "camera 'Gate 3' on hl-aar-01 is back", run: () => host('hl-aar-01').log('INFO', "Camera 'Gate 3' (10.0.0.13): Connection restored") },
    { at: 150, what: 'the Event Server service on nt-osl-01 is started again', run: () => host('nt-osl-01').setService('Event Server', true) },
    { at: 170, what: 'sc-ham-03 is powered on again', run: restart },
    { at: 190, what: "Oslo Central's uplink is back", run: () => uplink(true) },
    { at: 200, what: 'sc-ham-02 is back within its licences', run: () => host('sc-ham-02').setCameras(38) },
    {
      at: 240,
      what: 'old recordings on cm-mal-02 are archived away; the drive has room again',
      run: () => {
        clearInterval(filling);
        host('cm-mal-02').setDriveUsed(0.62);
      },
    },
  ];
}

/** Plays the steps, and again every `cycleSeconds`, until stopped. */
export class Scenario {
  private timers: NodeJS.Timeout[] = [];
  private cycle: NodeJS.Timeout | undefined;

  constructor(
    private readonly steps: ScenarioStep[],
    private readonly cycleSeconds = 300,
    private readonly onStep: (step: ScenarioStep) => void = () => undefined,
  ) {}

  start(): void {
    const play = () => {
      for (const step of this.steps) {
        const timer = setTimeout(() => {
          this.onStep(step);
          void Promise.resolve(step.run()).catch(() => undefined);
        }, step.at * 1000);
        timer.unref();
        this.timers.push(timer);
      }
    };
    play();
    this.cycle = setInterval(() => {
      this.timers = [];
      play();
    }, this.cycleSeconds * 1000);
    this.cycle.unref();
  }

  stop(): void {
    for (const timer of this.timers) clearTimeout(timer);
    clearInterval(this.cycle);
  }
}
