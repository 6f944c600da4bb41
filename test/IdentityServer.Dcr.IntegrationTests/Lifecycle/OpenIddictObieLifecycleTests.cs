// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using IdentityServer.Dcr.Testing.Lifecycle;

namespace IdentityServer.Dcr.IntegrationTests.Lifecycle;

/// <summary>The OBIE lifecycle suite on the OpenIddict plug-in (the same suite runs on the Duende plug-in).</summary>
[TestFixture]
[Category("Integration")]
public sealed class OpenIddictObieLifecycleTests : ObieLifecycleTests
{
    protected override async Task<ILifecycleHost> StartHostAsync(LifecycleEnvironment environment)
        => await OpenIddictLifecycleHost.StartAsync(environment);
}

/// <summary>
/// The OBIE lifecycle suite on the OpenIddict plug-in with certificate-bound access tokens
/// (<c>Dcr:Registration:CertificateBoundAccessTokens</c>), where management validates the binding.
/// </summary>
[TestFixture]
[Category("Integration")]
public sealed class OpenIddictCertificateBoundObieLifecycleTests : ObieLifecycleTests
{
    protected override async Task<ILifecycleHost> StartHostAsync(LifecycleEnvironment environment)
        => await OpenIddictLifecycleHost.StartAsync(environment, options => options.Registration.CertificateBoundAccessTokens = true);
}
