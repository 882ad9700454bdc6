/** What happens to one upgrade request under the proxy's upgrade faults. */
export type UpgradeFate = 'relay' | 'reject' | 'drop-after-upgrade';

export interface UpgradeGateRates {
  rejectPercent: number;
  dropAfterUpgradePercent: number;
}

/**
 * Decides the fate of each upgrade so that exactly the given shares are hit, spread evenly (error diffusion, not
 * random): 50% rejects every second attempt, 10% every tenth, and a run is reproducible.
 */
export class UpgradeGate {
  private rejectCredit = 0;
  private dropCredit = 0;

  constructor(private readonly rates: UpgradeGateRates) {}

  next(): UpgradeFate {
    this.rejectCredit += this.rates.rejectPercent;
    this.dropCredit += this.rates.dropAfterUpgradePercent;
    if (this.rejectCredit >= 100) {
      this.rejectCredit -= 100;
      return 'reject';
    }
    if (this.dropCredit >= 100) {
      this.dropCredit -= 100;
      return 'drop-after-upgrade';
    }
    return 'relay';
  }
}
