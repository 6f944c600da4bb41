// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Security.Cryptography.X509Certificates;
using IdentityServer.Dcr.AspNetCore.Certificates;
using Microsoft.AspNetCore.Http;

namespace IdentityServer.Dcr.OpenIddict.Tests.TestDoubles;

/// <summary>Never used without an HTTP request; the handlers then read the OpenIddict transaction's certificate.</summary>
internal sealed class NoCertificateAccessor : IClientCertificateAccessor
{
    public Task<X509Certificate2?> GetClientCertificateAsync(HttpContext context, CancellationToken ct) => Task.FromResult<X509Certificate2?>(null);
}
