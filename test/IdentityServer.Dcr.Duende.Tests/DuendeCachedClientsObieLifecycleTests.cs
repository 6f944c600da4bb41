// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using IdentityServer.Dcr.Testing.Lifecycle;
using Microsoft.Extensions.DependencyInjection;

namespace IdentityServer.Dcr.Duende.Tests;

/// <summary>The OBIE lifecycle suite on the Duende plug-in, with Duende's client store cache on (<c>AddConfigurationStoreCache</c>).</summary>
[TestFixture]
[Category("Integration")]
public sealed class DuendeCachedClientsObieLifecycleTests : ObieLifecycleTests
{
    protected override async Task<ILifecycleHost> StartHostAsync(TestEnvironment environment)
        => await DuendeLifecycleHost.StartAsync(environment, identityServer: identityServer => identityServer.AddConfigurationStoreCache());
}

/// <summary>The OBIE lifecycle suite on the Duende plug-in with certificate-bound access tokens.</summary>
[TestFixture]
[Category("Integration")]
public sealed class DuendeCertificateBoundObieLifecycleTests : ObieLifecycleTests
{
    protected override async Task<ILifecycleHost> StartHostAsync(TestEnvironment environment)
        => await DuendeLifecycleHost.StartAsync(environment, configure: options => options.Registration.CertificateBoundAccessTokens = true);
}

/// <summary>Revocation of transport certificates on the Duende plug-in, against a loopback CA publishing a CRL.</summary>
[TestFixture]
[Category("Integration")]
public sealed class DuendeRevocationTests : RevocationLifecycleTests
{
    protected override async Task<ILifecycleHost> StartHostAsync(TestEnvironment environment, RevocationProfile profile)
        => await DuendeLifecycleHost.StartAsync(environment, profile.Apply);
}
