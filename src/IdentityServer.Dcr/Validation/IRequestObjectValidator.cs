// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using IdentityServer.Dcr.Registration;

namespace IdentityServer.Dcr.Validation;

/// <summary>
/// Verifies the registration request JWS with the TPP's own key (from the SSA's <c>software_jwks_endpoint</c>) and
/// its envelope claims: <c>iss</c>, <c>aud</c>, <c>iat</c>, <c>exp</c>, <c>jti</c> (replay).
/// </summary>
/// <remarks>
/// Runs after <see cref="ISoftwareStatementValidator"/>: proof of possession that the TPP the SSA was issued to
/// sent the request. Sets <see cref="DcrRequestContext.UsedRequestToken"/>. The default
/// <see cref="RequestObjectValidator"/> has one <c>protected virtual</c> step per rule.
/// </remarks>
public interface IRequestObjectValidator
{
    /// <summary>Validates the request in <paramref name="context"/>.</summary>
    /// <param name="context">The request context.</param>
    /// <param name="ct">Cancels the operation.</param>
    /// <returns>Success, or the error to return.</returns>
    Task<DcrStepResult> ValidateAsync(DcrRequestContext context, CancellationToken ct);
}
