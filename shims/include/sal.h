/*
 * sal.h - Microsoft source-code annotation language (SAL) for ws2emu.
 *
 * SAL annotations only feed Microsoft's static analyser; GCC has no use for them, so every
 * annotation here expands to nothing. Both the SAL 2 spellings (_In_, _Out_writes_(n), ...) and
 * the older SAL 1 spellings (__in, __out_ecount(n), ...) that provider samples still use are
 * covered. Each is defined only if nobody defined it before.
 */
#ifndef WS2EMU_SAL_H
#define WS2EMU_SAL_H

#include "ws2emu.h"

/* ---- SAL 2: parameters ---- */
#ifndef _In_
#define _In_
#endif
#ifndef _In_opt_
#define _In_opt_
#endif
#ifndef _In_z_
#define _In_z_
#endif
#ifndef _In_opt_z_
#define _In_opt_z_
#endif
#ifndef _In_reads_
#define _In_reads_(n)
#endif
#ifndef _In_reads_opt_
#define _In_reads_opt_(n)
#endif
#ifndef _In_reads_bytes_
#define _In_reads_bytes_(n)
#endif
#ifndef _In_reads_bytes_opt_
#define _In_reads_bytes_opt_(n)
#endif
#ifndef _In_reads_z_
#define _In_reads_z_(n)
#endif
#ifndef _In_range_
#define _In_range_(lo, hi)
#endif
#ifndef _Out_
#define _Out_
#endif
#ifndef _Out_opt_
#define _Out_opt_
#endif
#ifndef _Out_writes_
#define _Out_writes_(n)
#endif
#ifndef _Out_writes_opt_
#define _Out_writes_opt_(n)
#endif
#ifndef _Out_writes_z_
#define _Out_writes_z_(n)
#endif
#ifndef _Out_writes_to_
#define _Out_writes_to_(n, m)
#endif
#ifndef _Out_writes_to_opt_
#define _Out_writes_to_opt_(n, m)
#endif
#ifndef _Out_writes_bytes_
#define _Out_writes_bytes_(n)
#endif
#ifndef _Out_writes_bytes_opt_
#define _Out_writes_bytes_opt_(n)
#endif
#ifndef _Out_writes_bytes_to_
#define _Out_writes_bytes_to_(n, m)
#endif
#ifndef _Out_writes_bytes_to_opt_
#define _Out_writes_bytes_to_opt_(n, m)
#endif
#ifndef _Out_writes_bytes_all_
#define _Out_writes_bytes_all_(n)
#endif
#ifndef _Out_writes_all_
#define _Out_writes_all_(n)
#endif
#ifndef _Out_range_
#define _Out_range_(lo, hi)
#endif
#ifndef _Inout_
#define _Inout_
#endif
#ifndef _Inout_opt_
#define _Inout_opt_
#endif
#ifndef _Inout_z_
#define _Inout_z_
#endif
#ifndef _Inout_updates_
#define _Inout_updates_(n)
#endif
#ifndef _Inout_updates_opt_
#define _Inout_updates_opt_(n)
#endif
#ifndef _Inout_updates_bytes_
#define _Inout_updates_bytes_(n)
#endif
#ifndef _Inout_updates_bytes_opt_
#define _Inout_updates_bytes_opt_(n)
#endif
#ifndef _Outptr_
#define _Outptr_
#endif
#ifndef _Outptr_opt_
#define _Outptr_opt_
#endif
#ifndef _Outptr_result_maybenull_
#define _Outptr_result_maybenull_
#endif
#ifndef _Outptr_opt_result_maybenull_
#define _Outptr_opt_result_maybenull_
#endif
#ifndef _Outptr_result_buffer_
#define _Outptr_result_buffer_(n)
#endif
#ifndef _Outptr_result_bytebuffer_
#define _Outptr_result_bytebuffer_(n)
#endif
#ifndef _Deref_out_
#define _Deref_out_
#endif
#ifndef _Deref_out_opt_
#define _Deref_out_opt_
#endif
#ifndef _Reserved_
#define _Reserved_
#endif
#ifndef _Frees_ptr_
#define _Frees_ptr_
#endif
#ifndef _Frees_ptr_opt_
#define _Frees_ptr_opt_
#endif
#ifndef _Printf_format_string_
#define _Printf_format_string_
#endif
#ifndef _Field_size_
#define _Field_size_(n)
#endif
#ifndef _Field_size_opt_
#define _Field_size_opt_(n)
#endif
#ifndef _Field_size_bytes_
#define _Field_size_bytes_(n)
#endif
#ifndef _Field_size_bytes_opt_
#define _Field_size_bytes_opt_(n)
#endif
#ifndef _Field_range_
#define _Field_range_(lo, hi)
#endif
#ifndef _Field_z_
#define _Field_z_
#endif

/* ---- SAL 2: functions and results ---- */
#ifndef _Success_
#define _Success_(expr)
#endif
#ifndef _Check_return_
#define _Check_return_
#endif
#ifndef _Must_inspect_result_
#define _Must_inspect_result_
#endif
#ifndef _Ret_maybenull_
#define _Ret_maybenull_
#endif
#ifndef _Ret_notnull_
#define _Ret_notnull_
#endif
#ifndef _Ret_z_
#define _Ret_z_
#endif
#ifndef _Ret_range_
#define _Ret_range_(lo, hi)
#endif
#ifndef _Post_invalid_
#define _Post_invalid_
#endif
#ifndef _Post_z_
#define _Post_z_
#endif
#ifndef _Pre_notnull_
#define _Pre_notnull_
#endif
#ifndef _Pre_maybenull_
#define _Pre_maybenull_
#endif
#ifndef _Null_terminated_
#define _Null_terminated_
#endif
#ifndef _NullNull_terminated_
#define _NullNull_terminated_
#endif
#ifndef _When_
#define _When_(cond, annotations)
#endif
#ifndef _Analysis_assume_
#define _Analysis_assume_(expr)
#endif
#ifndef _Use_decl_annotations_
#define _Use_decl_annotations_
#endif
#ifndef _Acquires_lock_
#define _Acquires_lock_(lock)
#endif
#ifndef _Releases_lock_
#define _Releases_lock_(lock)
#endif
#ifndef _Requires_lock_held_
#define _Requires_lock_held_(lock)
#endif
#ifndef _Guarded_by_
#define _Guarded_by_(lock)
#endif
#ifndef _IRQL_requires_max_
#define _IRQL_requires_max_(irql)
#endif
#ifndef _Function_class_
#define _Function_class_(name)
#endif
#ifndef _Return_type_success_
#define _Return_type_success_(expr)
#endif
#ifndef _Struct_size_bytes_
#define _Struct_size_bytes_(n)
#endif
#ifndef _Maybenull_
#define _Maybenull_
#endif
#ifndef _Notnull_
#define _Notnull_
#endif

/* ---- SAL 1.5 and less common SAL 2 spellings ---- */
#ifndef _In_count_
#define _In_count_(n)
#endif
#ifndef _In_opt_count_
#define _In_opt_count_(n)
#endif
#ifndef _In_bytecount_
#define _In_bytecount_(n)
#endif
#ifndef _In_opt_bytecount_
#define _In_opt_bytecount_(n)
#endif
#ifndef _In_z_count_
#define _In_z_count_(n)
#endif
#ifndef _Out_cap_
#define _Out_cap_(n)
#endif
#ifndef _Out_opt_cap_
#define _Out_opt_cap_(n)
#endif
#ifndef _Out_bytecap_
#define _Out_bytecap_(n)
#endif
#ifndef _Out_opt_bytecap_
#define _Out_opt_bytecap_(n)
#endif
#ifndef _Out_z_cap_
#define _Out_z_cap_(n)
#endif
#ifndef _Out_z_bytecap_
#define _Out_z_bytecap_(n)
#endif
#ifndef _Out_cap_post_count_
#define _Out_cap_post_count_(n, m)
#endif
#ifndef _Out_bytecap_post_bytecount_
#define _Out_bytecap_post_bytecount_(n, m)
#endif
#ifndef _Inout_cap_
#define _Inout_cap_(n)
#endif
#ifndef _Inout_bytecap_
#define _Inout_bytecap_(n)
#endif
#ifndef _Inout_z_cap_
#define _Inout_z_cap_(n)
#endif
#ifndef _Inout_updates_z_
#define _Inout_updates_z_(n)
#endif
#ifndef _Inout_updates_to_
#define _Inout_updates_to_(n, m)
#endif
#ifndef _In_reads_or_z_
#define _In_reads_or_z_(n)
#endif
#ifndef _Out_z_
#define _Out_z_
#endif
#ifndef _Ret_opt_
#define _Ret_opt_
#endif
#ifndef _Ret_writes_
#define _Ret_writes_(n)
#endif
#ifndef _Ret_writes_bytes_
#define _Ret_writes_bytes_(n)
#endif
#ifndef _Deref_out_z_
#define _Deref_out_z_
#endif
#ifndef _Deref_out_range_
#define _Deref_out_range_(lo, hi)
#endif
#ifndef _Pre_satisfies_
#define _Pre_satisfies_(expr)
#endif
#ifndef _Post_satisfies_
#define _Post_satisfies_(expr)
#endif
#ifndef _Post_equal_to_
#define _Post_equal_to_(expr)
#endif
#ifndef _Post_writable_byte_size_
#define _Post_writable_byte_size_(n)
#endif
#ifndef _Interlocked_operand_
#define _Interlocked_operand_
#endif
#ifndef _Pre_valid_
#define _Pre_valid_
#endif
#ifndef _Post_valid_
#define _Post_valid_
#endif
#ifndef _Const_
#define _Const_
#endif
#ifndef _Readable_bytes_
#define _Readable_bytes_(n)
#endif
#ifndef _Writable_bytes_
#define _Writable_bytes_(n)
#endif
#ifndef _Writable_elements_
#define _Writable_elements_(n)
#endif
#ifndef _Readable_elements_
#define _Readable_elements_(n)
#endif
#ifndef _Outptr_result_nullonfailure_
#define _Outptr_result_nullonfailure_
#endif
#ifndef _COM_Outptr_
#define _COM_Outptr_
#endif
#ifndef _COM_Outptr_opt_
#define _COM_Outptr_opt_
#endif
#ifndef _Result_nullonfailure_
#define _Result_nullonfailure_
#endif
#ifndef _Strict_type_match_
#define _Strict_type_match_
#endif
#ifndef _Callback_
#define _Callback_
#endif
#ifndef _Always_
#define _Always_(annos)
#endif
#ifndef _On_failure_
#define _On_failure_(annos)
#endif
#ifndef _Requires_lock_not_held_
#define _Requires_lock_not_held_(lock)
#endif
#ifndef _Acquires_exclusive_lock_
#define _Acquires_exclusive_lock_(lock)
#endif
#ifndef _Releases_exclusive_lock_
#define _Releases_exclusive_lock_(lock)
#endif
#ifndef _Acquires_shared_lock_
#define _Acquires_shared_lock_(lock)
#endif
#ifndef _Releases_shared_lock_
#define _Releases_shared_lock_(lock)
#endif
#ifndef _Inexpressible_
#define _Inexpressible_(expr)
#endif

/* ---- SAL 1 (older samples) ----
 * __in, __out and __reserved are also ordinary identifiers in Linux system headers: libstdc++
 * names parameters __in and __out, and the kernel's <linux/stat.h> (reached from <sys/stat.h>
 * under _GNU_SOURCE, which g++ always defines) has a member named __reserved. Defining them as
 * empty macros breaks those headers in C++, so in C++ they are defined only on request: define
 * WS2EMU_SAL1_IN_OUT before the first Windows header if the source uses them and includes no
 * C++ standard header after it. C sources get them unconditionally. */
#if !defined(__cplusplus) || defined(WS2EMU_SAL1_IN_OUT)
#ifndef __in
#define __in
#endif
#ifndef __out
#define __out
#endif
#ifndef __reserved
#define __reserved
#endif
#endif
#ifndef __in_opt
#define __in_opt
#endif
#ifndef __in_z
#define __in_z
#endif
#ifndef __in_ecount
#define __in_ecount(n)
#endif
#ifndef __in_ecount_opt
#define __in_ecount_opt(n)
#endif
#ifndef __in_bcount
#define __in_bcount(n)
#endif
#ifndef __in_bcount_opt
#define __in_bcount_opt(n)
#endif
#ifndef __out_opt
#define __out_opt
#endif
#ifndef __out_ecount
#define __out_ecount(n)
#endif
#ifndef __out_ecount_opt
#define __out_ecount_opt(n)
#endif
#ifndef __out_ecount_part
#define __out_ecount_part(n, m)
#endif
#ifndef __out_ecount_part_opt
#define __out_ecount_part_opt(n, m)
#endif
#ifndef __out_bcount
#define __out_bcount(n)
#endif
#ifndef __out_bcount_opt
#define __out_bcount_opt(n)
#endif
#ifndef __out_bcount_part
#define __out_bcount_part(n, m)
#endif
#ifndef __out_bcount_part_opt
#define __out_bcount_part_opt(n, m)
#endif
#ifndef __inout
#define __inout
#endif
#ifndef __inout_opt
#define __inout_opt
#endif
#ifndef __inout_ecount
#define __inout_ecount(n)
#endif
#ifndef __inout_bcount
#define __inout_bcount(n)
#endif
#ifndef __deref_out
#define __deref_out
#endif
#ifndef __deref_out_opt
#define __deref_out_opt
#endif
#ifndef __deref_inout
#define __deref_inout
#endif
#ifndef __checkReturn
#define __checkReturn
#endif
#ifndef __success
#define __success(expr)
#endif
#ifndef __callback
#define __callback
#endif
#ifndef __field_ecount
#define __field_ecount(n)
#endif
#ifndef __field_bcount
#define __field_bcount(n)
#endif
#ifndef __nullterminated
#define __nullterminated
#endif
#ifndef __format_string
#define __format_string
#endif

/* more SAL 1 and driver-kit spellings */
#ifndef __in_z_opt
#define __in_z_opt
#endif
#ifndef __in_ecount_z
#define __in_ecount_z(n)
#endif
#ifndef __in_bcount_z
#define __in_bcount_z(n)
#endif
#ifndef __in_xcount
#define __in_xcount(n)
#endif
#ifndef __in_xcount_opt
#define __in_xcount_opt(n)
#endif
#ifndef __out_z
#define __out_z
#endif
#ifndef __out_z_opt
#define __out_z_opt
#endif
#ifndef __out_ecount_z
#define __out_ecount_z(n)
#endif
#ifndef __out_bcount_z
#define __out_bcount_z(n)
#endif
#ifndef __out_xcount
#define __out_xcount(n)
#endif
#ifndef __out_ecount_full
#define __out_ecount_full(n)
#endif
#ifndef __out_bcount_full
#define __out_bcount_full(n)
#endif
#ifndef __inout_z
#define __inout_z
#endif
#ifndef __inout_ecount_opt
#define __inout_ecount_opt(n)
#endif
#ifndef __inout_bcount_opt
#define __inout_bcount_opt(n)
#endif
#ifndef __inout_ecount_part
#define __inout_ecount_part(n, m)
#endif
#ifndef __inout_bcount_part
#define __inout_bcount_part(n, m)
#endif
#ifndef __deref_opt_out
#define __deref_opt_out
#endif
#ifndef __deref_out_ecount
#define __deref_out_ecount(n)
#endif
#ifndef __deref_out_bcount
#define __deref_out_bcount(n)
#endif
#ifndef __deref_out_z
#define __deref_out_z
#endif
#ifndef __deref_opt_out_opt
#define __deref_opt_out_opt
#endif
#ifndef __ecount
#define __ecount(n)
#endif
#ifndef __bcount
#define __bcount(n)
#endif
#ifndef __xcount
#define __xcount(n)
#endif
#ifndef __analysis_assume
#define __analysis_assume(expr)
#endif
#ifndef __notnull
#define __notnull
#endif
#ifndef __maybenull
#define __maybenull
#endif
#ifndef __drv_allocatesMem
#define __drv_allocatesMem(kind)
#endif
#ifndef __drv_freesMem
#define __drv_freesMem(kind)
#endif
#ifndef __drv_aliasesMem
#define __drv_aliasesMem
#endif
#ifndef __drv_when
#define __drv_when(cond, annos)
#endif
#ifndef __drv_preferredFunction
#define __drv_preferredFunction(func, why)
#endif
#ifndef __drv_maxIRQL
#define __drv_maxIRQL(irql)
#endif
#ifndef __drv_arg
#define __drv_arg(arg, annos)
#endif
#ifndef __field_ecount_opt
#define __field_ecount_opt(n)
#endif
#ifndef __field_bcount_opt
#define __field_bcount_opt(n)
#endif
#ifndef __field_ecount_part
#define __field_ecount_part(n, m)
#endif
#ifndef __field_bcount_part
#define __field_bcount_part(n, m)
#endif
#ifndef __typefix
#define __typefix(t)
#endif
#ifndef __fallthrough
#define __fallthrough
#endif

#endif /* WS2EMU_SAL_H */
