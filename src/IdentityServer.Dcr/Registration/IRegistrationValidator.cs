// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

namespace IdentityServer.Dcr.Registration;

/// <summary>
/// The engine's one validation entry point for a registration request (create or update): every OBIE rule, in the
/// documented order. The engine's <see cref="RegistrationService"/> and the Duende plug-in's validator both call it,
/// so the rules and their order cannot drift between hosts.
/// </summary>
public interface IRegistrationValidator
{
    /// <summary>
    /// Validates the request of <paramref name="context"/>, filling in its software statement, request claims and
    /// metadata. For an update (<see cref="DcrRequestContext.ExistingRegistration"/> set) the update rules run last.
    /// </summary>
    /// <param name="context">The request context.</param>
    /// <param name="ct">Cancels the operation.</param>
    /// <returns>Success, or the first error.</returns>
    /// <exception cref="DcrInfrastructureException">A JWKS host or the store is unavailable (answer 503).</exception>
    Task<DcrStepResult> ValidateAsync(DcrRequestContext context, CancellationToken ct);
}
