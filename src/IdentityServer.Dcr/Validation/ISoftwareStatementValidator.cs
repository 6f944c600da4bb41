// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using IdentityServer.Dcr.Registration;

namespace IdentityServer.Dcr.Validation;

/// <summary>
/// Verifies the software statement assertion (SSA) carried in the registration request and applies the bank's
/// approval policy. Sets <see cref="DcrRequestContext.SoftwareStatement"/>.
/// </summary>
/// <remarks>
/// Second stage of the pipeline (after the transport certificate is read, before the request signature is verified,
/// since the TPP's key location comes from the SSA). The default <see cref="SoftwareStatementValidator"/> runs its
/// <c>protected virtual</c> steps in a fixed order and stops at the first failure: override one step (for example
/// <see cref="SoftwareStatementValidator.ValidatePolicyAsync"/>) rather than the whole validator.
/// Failures are <c>invalid_software_statement</c>, or <c>unapproved_software_statement</c> for policy.
/// </remarks>
public interface ISoftwareStatementValidator
{
    /// <summary>Validates the software statement of the request in <paramref name="context"/>.</summary>
    /// <param name="context">The request context.</param>
    /// <param name="ct">Cancels the operation.</param>
    /// <returns>Success, or the error to return.</returns>
    Task<DcrStepResult> ValidateAsync(DcrRequestContext context, CancellationToken ct);
}
