// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Security.Cryptography;
using IdentityServer.Dcr.Testing.Lifecycle;
using Microsoft.IdentityModel.Tokens;

namespace IdentityServer.Dcr.Duende.Tests;

/// <summary>
/// Two instances of the Duende bank on one database (one issuer, one signing key), each with its own memory: Duende's
/// replay cache is per instance, the DCR used-token table is shared.
/// </summary>
[TestFixture]
[Category("Integration")]
public sealed class DuendeTwoInstanceTests : TwoInstanceLifecycleTests, IDisposable
{
    private readonly RSA _key = RSA.Create(2048);

    protected override async Task<ILifecycleHost> StartInstanceAsync(TestEnvironment environment)
        => await DuendeLifecycleHost.StartAsync(environment, instance: (PublicAddress, new RsaSecurityKey(_key) { KeyId = "shared" }));

    protected override Task<long> CountServerClientsAsync(TestEnvironment environment, string clientId)
        => environment.CountAsync("SELECT COUNT(*) FROM \"Clients\" WHERE \"ClientId\" = @v", clientId);

    public void Dispose() => _key.Dispose();
}
