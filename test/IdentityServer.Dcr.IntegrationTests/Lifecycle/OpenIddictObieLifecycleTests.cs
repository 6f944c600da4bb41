// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using IdentityServer.Dcr.Configuration;
using IdentityServer.Dcr.Testing.Lifecycle;

namespace IdentityServer.Dcr.IntegrationTests.Lifecycle;

/// <summary>The OBIE lifecycle suite on the OpenIddict plug-in (the same suite runs on the Duende plug-in).</summary>
[TestFixture]
[Category("Integration")]
public sealed class OpenIddictObieLifecycleTests : ObieLifecycleTests
{
    protected override async Task<ILifecycleHost> StartHostAsync(TestEnvironment environment)
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
    protected override async Task<ILifecycleHost> StartHostAsync(TestEnvironment environment)
        => await OpenIddictLifecycleHost.StartAsync(environment, options => options.Registration.CertificateBoundAccessTokens = true);
}

/// <summary>
/// The OBIE lifecycle suite through a real TLS-terminating reverse proxy (YARP) that forwards the client certificate:
/// registration, tokens with <c>private_key_jwt</c> and <c>tls_client_auth</c>, certificate-bound tokens and
/// management all see the forwarded certificate.
/// </summary>
[TestFixture]
[Category("Integration")]
public sealed class ReverseProxyObieLifecycleTests : ObieLifecycleTests
{
    protected override async Task<ILifecycleHost> StartHostAsync(TestEnvironment environment)
        => await ReverseProxyLifecycleHost.StartAsync(environment, options => options.Registration.CertificateBoundAccessTokens = true);
}

/// <summary>Revocation of transport certificates on the OpenIddict plug-in, against a loopback CA publishing a CRL.</summary>
[TestFixture]
[Category("Integration")]
public sealed class OpenIddictRevocationTests : RevocationLifecycleTests
{
    protected override async Task<ILifecycleHost> StartHostAsync(TestEnvironment environment, RevocationProfile profile)
    {
        void Configure(DcrOptions options)
        {
            options.Transport.RevocationMode = System.Security.Cryptography.X509Certificates.X509RevocationMode.Online;
            options.Transport.RevocationStatusUnknown = profile.AcceptUnknown ? RevocationUnknownHandling.AcceptAndLog : RevocationUnknownHandling.Refuse;
            options.Transport.RevocationCacheDuration = profile.CacheDuration;
            options.Transport.RevocationTimeout = TimeSpan.FromSeconds(3);
            options.Registration.CertificateBoundAccessTokens = true;
        }

        return await OpenIddictLifecycleHost.StartAsync(environment, Configure);
    }
}
