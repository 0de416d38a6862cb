// Every alert, in the order of the rules file: the one list to touch when
// adding an alert (mixin/README.md, "Add an alert").  Each file is a
// function(c) of _config returning one rule that names itself (`alert`) and
// carries its default `for` (`defaultFor`, next to the reasoning for it);
// _config.alertFor is built from them (config.libsonnet).
[
  import 'ConntrackTableNearlyFull.libsonnet',
  import 'ConntrackTableFillingFast.libsonnet',
  import 'ConntrackPacketsDropped.libsonnet',
  import 'ConntrackTimeWaitDominant.libsonnet',
  import 'ConntrackTableFillingUp.libsonnet',
  import 'ConntrackEarlyDrops.libsonnet',
  import 'ConntrackMaxNotTuned.libsonnet',
  import 'ConntrackTimeWaitTimeoutLong.libsonnet',
  import 'ConntrackTcpTwReuseEnabled.libsonnet',
  import 'ConntrackCensusStale.libsonnet',
  import 'ConntrackNamespaceUnsampled.libsonnet',
  import 'ConntrackMetricsAbsent.libsonnet',
  import 'ConntrackHashChainsTooLong.libsonnet',
  import 'ConntrackInsertClashesUnresolved.libsonnet',
  import 'ConntrackMaxBelowRecommended.libsonnet',
]
