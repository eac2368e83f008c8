/* vti: the state as a VTK ImageData file (.vti, VTK's XML format), the volume that
 * ParaView, VisIt and VTK's readers open as it is: U and V as point data on the grid's
 * samples, the run's parameters as field data. Written by rdsim --volume and the
 * page's Export volume, byte for byte the same file for the same state.
 *   <VTKFile type="ImageData" version="1.0" byte_order="LittleEndian" header_type="UInt64">
 *   <ImageData WholeExtent="0 nx-1 0 ny-1 0 nz-1" Origin="0 0 0" Spacing="1 1 1">: sample
 *     (x, y, z) at point (x, y, z), the grid units of rdsim --mesh, so a mesh export
 *     overlays the volume exactly.
 *   <FieldData>, one tuple each, ascii: Float32 F, k, Du, Dv, dt (the fewest digits that
 *     read back as the float, engine/num.h), Int32 Stencil (7, 19, 27), Boundary (0
 *     periodic, 1 zero-flux), Map (0 off, 1 on), Float32 kMin, kMax, FMin, FMax (the
 *     parameter map's ranges, only with the map on: F and k then vary along y and x,
 *     engine/gs.h), UInt64 Step, Seed, StateHash (README "State hash", as the .rds
 *     file stores it), Float64 TimeValue (step * dt, %.17g: ParaView shows it as time).
 *   <PointData Scalars="V">: Float32 V, then U, format "appended", x fastest.
 *   <AppendedData encoding="raw">, then "_", then for V and then U a UInt64 byte count
 *     (4 * nx*ny*nz) and the samples as little-endian float32.
 * Allocates nothing but the file buffers of vti_save and vti_collection_save; call from
 * the pool owner thread.
 * Coupled to README.md (".vti volume").
 */
#ifndef VTI_H
#define VTI_H

#include <stdbool.h>
#include <stddef.h>

#include "gs.h"

struct pool_t;

/* Bytes of sim's file (the XML around the data depends on the parameters' digits). */
size_t vti_size(const gs_sim_t *sim);

/* Writes sim's file into buf (cap >= vti_size(sim)); the state hash is computed on
 * pool (NULL: serially). Returns the bytes written, or 0 with the reason (a buffer
 * too small: nothing written). */
size_t vti_write(const gs_sim_t *sim, struct pool_t *pool, void *buf, size_t cap, char *err, int err_len);

/* Writes sim's file to path through rds_file_replace (engine/rds.h: atomic for a
 * regular file, the previous one left as it was on failure). */
bool vti_save(const gs_sim_t *sim, struct pool_t *pool, const char *path, char *err, int err_len);

/* A ParaView data collection (.pvd: VTKFile type="Collection"): n datasets, file
 * names[i] (relative to the .pvd's folder) at time times[i], in that order, through
 * rds_file_replace. A time series of volumes opens in ParaView as one animated source. */
bool vti_collection_save(const char *path, const char *const *names, const double *times, int n, char *err,
                         int err_len);

#endif
