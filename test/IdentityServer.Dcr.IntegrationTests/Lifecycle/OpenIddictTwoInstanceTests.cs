// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Security.Cryptography;
using IdentityServer.Dcr.Testing.Lifecycle;
using Microsoft.IdentityModel.Tokens;

namespace IdentityServer.Dcr.IntegrationTests.Lifecycle;

/// <summary>Two instances of the OpenIddict bank on one database (one issuer, shared signing and encryption keys).</summary>
[TestFixture]
[Category("Integration")]
public sealed class OpenIddictTwoInstanceTests : TwoInstanceLifecycleTests, IDisposable
{
    private readonly RSA _signing = RSA.Create(2048);
    private readonly RSA _encryption = RSA.Create(2048);

    protected override async Task<ILifecycleHost> StartInstanceAsync(TestEnvironment environment)
    {
        var keys = ((SecurityKey)new RsaSecurityKey(_signing) { KeyId = "shared-signing" }, (SecurityKey)new RsaSecurityKey(_encryption) { KeyId = "shared-encryption" });
        var host = await OpenIddictLifecycleHost.StartAsync(environment, publicBaseAddress: PublicAddress, keys: keys);
        return new LifecycleInstance(new Uri(host.BackendAddress, "register"), new Uri(host.BackendAddress, "connect/token"), host);
    }

    protected override Task<long> CountServerClientsAsync(TestEnvironment environment, string clientId)
        => environment.CountAsync("SELECT COUNT(*) FROM \"OpenIddictApplications\" WHERE \"ClientId\" = @v", clientId);

    public void Dispose()
    {
        _signing.Dispose();
        _encryption.Dispose();
    }
}
