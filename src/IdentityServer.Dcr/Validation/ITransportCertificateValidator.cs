// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Security.Cryptography.X509Certificates;
using IdentityServer.Dcr.Models;
using IdentityServer.Dcr.Registration;

namespace IdentityServer.Dcr.Validation;

/// <summary>
/// Checks the TPP's transport certificate (mutual TLS): that there is one, that it chains to the bank's trusted
/// roots, and that it belongs to the TPP named by the software statement.
/// </summary>
/// <remarks>
/// <see cref="ValidateCertificateAsync"/> runs first in the pipeline (it needs nothing but the certificate);
/// <see cref="ValidateBindingAsync"/> runs once the software statement is verified. The default
/// <see cref="TransportCertificateValidator"/> exposes each rule as a <c>protected virtual</c> method; override
/// <see cref="TransportCertificateValidator.IsBoundToSoftwareStatement"/> to apply a scheme's own naming rules.
/// </remarks>
public interface ITransportCertificateValidator
{
    /// <summary>Checks presence and chain of the certificate.</summary>
    /// <param name="context">The request context.</param>
    /// <param name="ct">Cancels the operation.</param>
    /// <returns>Success, or the error to return.</returns>
    Task<DcrStepResult> ValidateCertificateAsync(DcrRequestContext context, CancellationToken ct);

    /// <summary>Checks that the certificate belongs to the TPP of <see cref="DcrRequestContext.SoftwareStatement"/>.</summary>
    /// <param name="context">The request context.</param>
    /// <param name="ct">Cancels the operation.</param>
    /// <returns>Success, or the error to return.</returns>
    Task<DcrStepResult> ValidateBindingAsync(DcrRequestContext context, CancellationToken ct);

    /// <summary>
    /// Checks one certificate, wherever it is presented (registration, token endpoint, management): it chains to the
    /// bank's transport roots, is current, and carries the client authentication usage when required.
    /// </summary>
    /// <param name="certificate">The presented certificate.</param>
    /// <param name="ct">Cancels the operation.</param>
    /// <returns>
    /// Success, or the error to return (<c>invalid_client_metadata</c>; callers at the token endpoint answer
    /// <c>invalid_client</c>).
    /// </returns>
    Task<DcrStepResult> ValidateChainAsync(X509Certificate2 certificate, CancellationToken ct);

    /// <summary>
    /// Checks that <paramref name="certificate"/> belongs to an existing registration: its subject is the registered
    /// <c>tls_client_auth_subject_dn</c>, or it names the registration's organisation or software as at registration.
    /// Management requires it on every call, whatever the token binding.
    /// </summary>
    /// <param name="certificate">The presented certificate (already checked by <see cref="ValidateChainAsync"/>).</param>
    /// <param name="registration">The registration being managed.</param>
    /// <param name="ct">Cancels the operation.</param>
    /// <returns>Success, or the error to return.</returns>
    Task<DcrStepResult> ValidateRegistrationBindingAsync(X509Certificate2 certificate, ClientRegistration registration, CancellationToken ct);
}
