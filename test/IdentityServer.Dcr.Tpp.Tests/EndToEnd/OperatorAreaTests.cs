// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using IdentityServer.Dcr.Testing.Journey;

namespace IdentityServer.Dcr.Tpp.Tests.EndToEnd;

/// <summary>
/// The shared operator-area suite (<see cref="OperatorAreaSuite"/>) on the OpenIddict demo bank in-process, on its
/// default SQLite store (the Duende bank runs it on PostgreSQL), with TPPs registered by obie-tpp.
/// </summary>
[TestFixture]
public sealed class OperatorAreaTests : OperatorAreaSuite
{
    protected override async Task<IDemoBankParties> StartAsync()
    {
        var bank = await DemoJourneyBank.StartAsync();
        return await bank.WithFirstTppAsync();
    }
}
