// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using IdentityServer.Dcr.AspNetCore.Management;
using IdentityServer.Dcr.Configuration;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace IdentityServer.Dcr.AspNetCore.Endpoints;

/// <summary>
/// Leaves a management operation out of the API description (OpenAPI documents) while it answers 405: turned off in
/// <see cref="ManagementOptions"/>, the POST read from 3.4 on, or no <see cref="IRegistrationAccessTokenValidator"/>
/// registered (no authorization server plug-in). Discovery does not advertise such an operation either.
/// </summary>
/// <remarks>
/// Read when the API explorer describes the endpoints, which it does once and caches: a change of options at run time
/// changes the answers at once, the description at the next start.
/// </remarks>
internal sealed class ManagementOperationDescription(
    IServiceProvider services,
    ManagementEndpoints.Operation operation) : IExcludeFromDescriptionMetadata
{
    public bool ExcludeFromDescription
    {
        get
        {
            var available = services.GetService<IServiceProviderIsService>()?.IsService(typeof(IRegistrationAccessTokenValidator)) ?? true;
            return !available || !ManagementEndpoints.IsEnabled(services.GetRequiredService<IOptionsMonitor<DcrOptions>>().CurrentValue, operation);
        }
    }
}
