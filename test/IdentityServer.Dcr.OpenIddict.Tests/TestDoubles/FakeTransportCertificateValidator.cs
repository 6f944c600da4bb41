// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Security.Cryptography.X509Certificates;
using IdentityServer.Dcr.Registration;
using IdentityServer.Dcr.Validation;

namespace IdentityServer.Dcr.OpenIddict.Tests.TestDoubles;

/// <summary>Trusts a certificate when <see cref="Trusts"/> says so; records the certificates it was asked about.</summary>
internal sealed class FakeTransportCertificateValidator : ITransportCertificateValidator
{
    public Func<X509Certificate2?, bool> Trusts { get; set; } = certificate => certificate is not null;

    public List<X509Certificate2?> Checked { get; } = [];

    public Task<DcrStepResult> ValidateCertificateAsync(DcrRequestContext context, CancellationToken ct)
    {
        Checked.Add(context.Request.ClientCertificate);
        return Task.FromResult(Trusts(context.Request.ClientCertificate)
            ? DcrStepResult.Success
            : (DcrStepResult)DcrError.InvalidClientMetadata("The transport certificate is not trusted."));
    }

    public Task<DcrStepResult> ValidateBindingAsync(DcrRequestContext context, CancellationToken ct) => Task.FromResult(DcrStepResult.Success);

    public Task<DcrStepResult> ValidateChainAsync(X509Certificate2 certificate, CancellationToken ct)
        => ValidateCertificateAsync(new DcrRequestContext(new DcrRequest(null, ReadOnlyMemory<byte>.Empty, certificate)), ct);

    public Task<DcrStepResult> ValidateRegistrationBindingAsync(X509Certificate2 certificate, Models.ClientRegistration registration, CancellationToken ct)
        => Task.FromResult(DcrStepResult.Success);
}
