// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Diagnostics.Metrics;
using IdentityServer.Dcr.Diagnostics;

namespace IdentityServer.Dcr.AspNetCore.Endpoints;

/// <summary>The management endpoints' instrument, on the library's meter (<see cref="DcrTelemetry.Meter"/>).</summary>
internal static class DcrManagementTelemetry
{
    /// <summary>
    /// <c>dcr.management.requests</c>: <c>GET</c>, <c>PUT</c>, <c>DELETE {registration_endpoint}/{ClientId}</c>; tags
    /// <c>dcr.operation</c> (<c>read</c>, <c>update</c>, <c>delete</c>) and <c>dcr.outcome</c> (<c>success</c>,
    /// <c>unauthorized</c>, <c>not_found</c>, <c>rejected</c>, <c>unavailable</c>).
    /// </summary>
    public static readonly Counter<long> Requests = DcrTelemetry.Meter.CreateCounter<long>(
        "dcr.management.requests", "{request}", "Management requests (read, update, delete) by outcome.");
}
