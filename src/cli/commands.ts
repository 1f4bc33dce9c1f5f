// Every CLI command, one module each. Add a command by adding its file and a line here.
import type { CommandModule } from 'yargs';
import { cancelCommand } from './cancel.ts';
import { compareCommand } from './compare.ts';
import { dataCommand } from './data.ts';
import { diagnoseCommand } from './diagnose.ts';
import { doctorCommand } from './doctor.ts';
import { evalCommand } from './eval.ts';
import { gcCommand } from './gc.ts';
import { modelCommand } from './model.ts';
import { planCommand } from './plan.ts';
import { runCommand } from './run.ts';
import { stageCommand } from './stage.ts';
import { statusCommand } from './status.ts';
import { weightsCommand } from './weights.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const commands: CommandModule<any, any>[] = [dataCommand, doctorCommand, evalCommand, modelCommand, runCommand, planCommand, statusCommand, cancelCommand, compareCommand, diagnoseCommand, gcCommand, stageCommand, weightsCommand];
