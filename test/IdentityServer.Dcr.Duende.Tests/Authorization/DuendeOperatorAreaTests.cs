// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using IdentityServer.Dcr.Testing.Journey;

namespace IdentityServer.Dcr.Duende.Tests.Authorization;

/// <summary>
/// The shared operator-area suite (<see cref="OperatorAreaSuite"/>) on the Duende demo bank in-process (PostgreSQL),
/// with TPPs of the lifecycle environment (<see cref="DuendeJourneyTpp"/>): the same pages, the same rules, with
/// Duende's own cookie scheme beside the operator's.
/// </summary>
[TestFixture]
public sealed class DuendeOperatorAreaTests : OperatorAreaSuite
{
    protected override async Task<IDemoBankParties> StartAsync() => await DuendeDemoParties.StartAsync();
}
