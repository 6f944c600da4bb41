// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using IdentityServer.Dcr.Registration;

namespace IdentityServer.Dcr.Processing;

/// <summary>
/// Turns a fully validated request into a stored client: applies the duplicate-registration policy, issues the
/// client identifier (and a secret for secret-based methods), and writes the registration and the used request
/// token atomically.
/// </summary>
/// <remarks>
/// Runs last, after every validator and the <see cref="DcrEvents.OnRequestValidated"/> event. The default
/// <see cref="RegistrationProcessor"/> exposes <see cref="RegistrationProcessor.CreateClientId"/> and
/// <see cref="RegistrationProcessor.CreateClientSecret"/> for banks with their own identifier formats.
/// </remarks>
public interface IRegistrationProcessor
{
    /// <summary>Creates the client described by <paramref name="context"/>.</summary>
    /// <param name="context">The validated request context.</param>
    /// <param name="ct">Cancels the operation.</param>
    /// <returns>The stored registration (with the plain secret, once), or the error to return.</returns>
    /// <exception cref="DcrInfrastructureException">The store cannot be reached.</exception>
    Task<DcrResult<RegistrationOutcome>> CreateAsync(DcrRequestContext context, CancellationToken ct);

    /// <summary>
    /// Replaces the registration <see cref="DcrRequestContext.ExistingRegistration"/> with the validated metadata,
    /// keeping its identifier, issue time and secret. A concurrent update is not lost: the write is retried on the
    /// latest version.
    /// </summary>
    /// <param name="context">The validated request context.</param>
    /// <param name="ct">Cancels the operation.</param>
    /// <returns>The stored registration, or the error to return.</returns>
    /// <exception cref="DcrInfrastructureException">The store cannot be reached.</exception>
    Task<DcrResult<RegistrationOutcome>> UpdateAsync(DcrRequestContext context, CancellationToken ct);
}
